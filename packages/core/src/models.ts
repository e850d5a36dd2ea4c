/** The `/v1/models` list of a snapshot: provider/model ids, route aliases, and `auto` when enabled. */
import type { ModelCard } from '@switchyard/protocol';
import type { Snapshot } from './snapshot.js';

const cache = new WeakMap<Snapshot, ModelCard[]>();

export function modelCards(snap: Snapshot): ModelCard[] {
  let cards = cache.get(snap);
  if (cards) return cards;
  const seen = new Map<string, ModelCard>();
  const add = (id: string, owner: string) => {
    if (!seen.has(id)) seen.set(id, { id, object: 'model', created: 0, owned_by: owner });
  };
  for (const [id, p] of snap.providers) for (const m of p.config.models) add(`${id}/${m}`, id);
  for (const route of snap.config.routes) {
    for (const m of route.match?.models ?? []) if (!/[*?]/.test(m)) add(m, 'switchyard');
  }
  if (snap.plugins.some((p) => p.name === 'autoroute')) add('auto', 'switchyard');
  cards = [...seen.values()];
  cache.set(snap, cards);
  return cards;
}
