/** Request builders shared by the tests. */
import type { ChatRequest } from '@switchyard/protocol';

export const user = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content: text }],
  ...extra,
});

const FRAMES = [
  'com.shop.cart.CartService.addItem(CartService.java:%d)',
  'com.shop.cart.CartService.lambda$merge$2(CartService.java:%d)',
  'java.base/java.util.HashMap$HashIterator.nextNode(HashMap.java:%d)',
  'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:%d)',
  'com.shop.inventory.StockCache.refresh(StockCache.java:%d)',
  'java.base/java.lang.Thread.run(Thread.java:%d)',
];

/** A Java log of `lines` lines: exceptions from several pool threads, each with a dozen frames. */
export function javaTrace(lines: number): string {
  const out: string[] = [];
  for (let n = 0; out.length < lines; n++) {
    if (n % 12 === 0)
      out.push(`Exception in thread "pool-1-thread-${n / 12 + 1}" java.util.ConcurrentModificationException`);
    else out.push(`\tat ${FRAMES[n % FRAMES.length]!.replace('%d', String(100 + ((n * 37) % 800)))}`);
  }
  return out.join('\n');
}
