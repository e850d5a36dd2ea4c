/** Rules shared by the translators that move system prompts out of the conversation. */

/**
 * Anthropic, Gemini and Bedrock take `system` and `developer` messages out of the conversation into a
 * system field. A request of system messages only would then leave an empty message list, which all of
 * them refuse with a 400 (OpenAI answers it). In that case the system text is sent as the one user turn
 * instead, and no system field: the request stays answerable and no text is invented.
 */
export function systemOnlyAsUserTurn<S, T>(
  lifted: { system: S[]; turns: T[] },
  userTurn: (system: S[]) => T,
): { system: S[]; turns: T[] } {
  if (lifted.turns.length > 0 || lifted.system.length === 0) return lifted;
  return { system: [], turns: [userTurn(lifted.system)] };
}
