/**
 * The patterns the features count. Structural first (code lines, stack frames, notation, list items);
 * the few word patterns are technical phrases at word boundaries, never ordinary words such as
 * "where", "from", "let" or "plan", which say nothing about how hard a request is.
 * Every line pattern consumes its whole line, so a line counts once.
 */

/** Lines that read as source code. */
export const CODE_LINE = new RegExp(
  '^(?:' +
    [
      // declarations and statements that start a line
      String.raw`[ \t]*(?:export\s+|pub\s+|async\s+|static\s+|public\s+|private\s+|protected\s+)*(?:def|class|function|fn|func|impl|interface|struct|enum|const|let|var|import|package|return|namespace|#include|#define)\b[^\n]*[(){}[\];:=<>]`,
      String.raw`[ \t]*from\s+[\w.]+\s+import\b`,
      String.raw`[ \t]*(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX))\b`,
      String.raw`[ \t]*(?:if|for|while|elif|else|try|except|catch|switch|case)\b[^\n]*[:{(][ \t]*$`,
      String.raw`[ \t]*@\w+(?:\([^\n]*\))?[ \t]*$`,
      String.raw`[ \t]*(?:\/\/|\/\*|\*\/|#!)`,
      // lines that end like code, or carry operators prose does not use
      String.raw`(?=[^\n]*(?:[;{][ \t]*$|^[ \t]*[}\])]+[;,)]*[ \t]*$|=>|::|\+\+|&&|\|\||!==|===|:=))`,
    ].join('|') +
    String.raw`)[^\n]*$`,
  'gm',
);

/** Markdown code fences. */
export const FENCE = /^[ \t]*```/gm;

/** Inline `code` spans. */
export const INLINE_CODE = /`[^`\n]{1,80}`/g;

/** Lines of stack traces, thread dumps, panics and compiler errors, across the common runtimes. */
export const TRACE_LINE = new RegExp(
  '^(?:' +
    [
      String.raw`[ \t]*at\s+\S[^\n]*(?:\([^\n]*:\d+(?::\d+)?\)|:\d+:\d+)`, // JS, Java, C#
      String.raw`[ \t]*File\s+"[^"\n]+",\s+line\s+\d+`, // Python
      String.raw`Traceback \(most recent call last\)`,
      String.raw`goroutine\s+\d+\s+\[`, // Go
      String.raw`[ \t]+\/[\w.\/@-]+\.\w+:\d+`, // Go file:line frames
      String.raw`created by\s+\S+`,
      String.raw`[ \t]*#\d+\s+(?:0x[0-9a-fA-F]+\s+in\s+)?\S+\s*\(`, // gdb, lldb
      String.raw`[ \t]*(?:[\w$]+\.)*[\w$]*(?:Error|Exception)(?::|\s*$)`, // KeyError: ..., java.util.FooException
      '(?:Exception in thread|Caused by:|panic:|fatal error:|Segmentation fault)',
      String.raw`error(?:\[E\d+\])?:`, // rustc
      String.raw`[ \t]*-->\s+\S+:\d+:\d+`,
      String.raw`[ \t]*-\s+(?:waiting to lock|locked|parking to wait for)\s+<0x`, // Java thread dumps
      String.raw`"[^"\n]+"\s+#\d+[^\n]*(?:prio|tid)=`,
    ].join('|') +
    String.raw`)[^\n]*$`,
  'gm',
);

/** Mathematical notation: LaTeX, inline $...$, math symbols, powers, functions, arithmetic, percentages. */
export const MATH = new RegExp(
  [
    String.raw`\\(?:frac|d?sum|int|iint|prod|lim|sqrt|infty|partial|nabla|mathbb|mathcal|operatorname|forall|exists|equiv|cdot|le|ge|leq|geq|neq|binom|alpha|beta|gamma|delta|epsilon|lambda|sigma|theta|pi|mu)\b`,
    String.raw`\$[^$\n]{1,200}\$`,
    '[∑∫√∞≤≥≠≈∀∃∈∉⊂⊆∪∩⇒⇔≡±×÷∂∇]',
    String.raw`\b[a-zA-Z]\^(?:\d|\{|\()`,
    String.raw`\b(?:sin|cos|tan|log|ln|exp)\s*\(`,
    String.raw`\b\d+(?:\.\d+)?\s*[-+*/×÷^]\s*\d+(?:\.\d+)?\b`,
    String.raw`\b\d+(?:\.\d+)?\s*%`,
  ].join('|'),
  'g',
);

/** Demands for formal reasoning: proofs, derivations, formal specifications. */
export const FORMAL =
  /\b(?:prove|proofs?|rigorous(?:ly)?|derive|derivation|formali[sz]e|formal specification|invariants?|linearizab\w*)\b/gi;

/**
 * Demands for analysis, as technical phrases at word boundaries. Like every "ask" pattern it is counted in
 * the instruction being answered only: a phrase in an old turn or in pasted material says little.
 */
export const REASONING = new RegExp(
  String.raw`\b(?:` +
    [
      String.raw`race conditions?|deadlocks?|concurren\w*|thread[- ]safe|lock[- ]free|idempoten\w*|consistency`,
      'root[- ]cause|trade-?offs?|pros and cons|edge cases?|failure modes?|threat model|risks?',
      String.raw`step[- ]by[- ]step|justify|critically|contradict\w*|sensitivity|scenarios|assumptions`,
      String.raw`architecture|distributed|zero[- ]downtime|migrat(?:e|ion)|refactor\w*|optimi[sz]\w*`,
      'compare|comparison|versus|evaluate|analy[sz]e|assess|complexity|benchmarks?',
      String.raw`design\s+(?:a|an|the)|(?:with|include|including|add|write)\s+(?:\w+\s+)?tests`,
    ].join('|') +
    String.raw`)\b`,
  'gi',
);

/** Requirements separated by commas or semicolons in the instruction. */
export const CLAUSE = /[,;](?=\s)/g;

/** Enumerated requirements: list items, inline "1) ... 2) ...", and sequencing after punctuation. */
export const STEPS = new RegExp(
  [
    String.raw`^[ \t]*(?:\d{1,2}[.)]|[-*•])[ \t]+\S`,
    String.raw`(?:^|[\s,;:])\(?\d{1,2}\)\s+\w`,
    String.raw`[,.;:]\s*(?:and\s+)?(?:then|finally|after that|afterwards)\b`,
  ].join('|'),
  'gim',
);

/** An explicit length for the answer: "1,500-word", "700 words", "3 pages", "a 2 minute toast". */
export const OUTPUT_LENGTH = /\b(\d{1,3}(?:,\d{3})*|\d+)[- ]?(words?|pages?|paragraphs?|minutes?)\b/gi;

/** Any character outside printable ASCII: a cheap test before the Unicode letter scan. */
export const NON_ASCII = /[^\t\n\r -~]/;

/** Letters outside ASCII: other scripts and accented Latin. */
export const NON_ASCII_LETTER = /(?!\p{ASCII})\p{L}/gu;

/** Counts matches of a global regex, stopping at `cap` to bound the work on huge inputs. */
export function countMatches(re: RegExp, text: string, cap: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < cap) {
    const m = re.exec(text);
    if (m === null) break;
    n++;
    // An empty match would not advance lastIndex.
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return n;
}
