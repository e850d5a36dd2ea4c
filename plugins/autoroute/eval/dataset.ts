/** The labelled evaluation set: one JSON object per line (see docs/autoroute.md, "Evaluation"). */
import { readFileSync } from 'node:fs';
import type { ChatRequest } from '@switchyard/protocol';

export interface EvalItem {
  id: string;
  split: 'train' | 'test';
  /** The tier a careful operator would pick. */
  tier: string;
  skill: string;
  needs: string[];
  request: ChatRequest;
}

export function loadSet(url = new URL('./set.jsonl', import.meta.url)): EvalItem[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const item = JSON.parse(line) as EvalItem;
      if (!item.id || !item.tier || (item.split !== 'train' && item.split !== 'test')) {
        throw new Error(`set.jsonl line ${i + 1}: needs id, tier and split train|test`);
      }
      return item;
    });
}
