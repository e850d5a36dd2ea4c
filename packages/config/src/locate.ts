/** From a key path back to the YAML source: the node, and its line:col. */
import { type Document, isMap, isScalar, type LineCounter, type Node } from 'yaml';
import type { PathKey } from './problems.js';

export interface Position {
  line: number;
  col: number;
}

export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path`; with `key`, of the key that names it (unknown keys).
   * A path that does not exist (a missing key) points at its nearest existing ancestor, shown by the
   * key that names that ancestor (`openai:`) or, for a list item, by the item itself.
   */
  locate(path: readonly PathKey[], options: { key?: boolean } = {}): Position | undefined {
    if (options.key && path.length > 0) {
      const name = keyOf(this.node(path.slice(0, -1)), path.at(-1)!);
      if (name) return this.position(name);
    }
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.node(path.slice(0, depth));
      if (!node) continue;
      const name =
        depth < path.length && depth > 0
          ? keyOf(this.node(path.slice(0, depth - 1)), path[depth - 1]!)
          : undefined;
      return this.position(name ?? node);
    }
    return undefined;
  }

  private node(path: readonly PathKey[]): Node | undefined {
    const found = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return found && typeof found === 'object' ? (found as Node) : undefined;
  }

  private position(node: Node | null | undefined): Position | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start);
  }
}

function keyOf(map: Node | undefined, key: PathKey): Node | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
  return pair?.key as Node | undefined;
}
