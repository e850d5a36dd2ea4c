import { describe, expect, it } from 'vitest';
import { clientIpResolver } from './client-ip.js';

describe('client IP and trust_proxy', () => {
  it('ignores X-Forwarded-For unless trust_proxy allows it', () => {
    expect(clientIpResolver(false)('10.0.0.5', '203.0.113.9')).toBe('10.0.0.5');
    expect(clientIpResolver([])('::ffff:10.0.0.5', '203.0.113.9')).toBe('10.0.0.5');
  });

  it('trust_proxy: true believes the first hop', () => {
    expect(clientIpResolver(true)('10.0.0.5', '203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
    expect(clientIpResolver(true)('10.0.0.5', 'not-an-ip')).toBe('10.0.0.5');
  });

  it('a CIDR list trusts only proxies inside it, walking from the right', () => {
    const resolve = clientIpResolver(['10.0.0.0/8', '192.168.1.1']);
    expect(resolve('10.1.2.3', '198.51.100.7, 192.168.1.1')).toBe('198.51.100.7');
    expect(resolve('10.1.2.3', '198.51.100.7, 203.0.113.50')).toBe('203.0.113.50'); // untrusted hop: stop there
    expect(resolve('172.16.0.1', '198.51.100.7')).toBe('172.16.0.1'); // the peer itself is not a trusted proxy
    expect(resolve('10.1.2.3', null)).toBe('10.1.2.3');
  });
});
