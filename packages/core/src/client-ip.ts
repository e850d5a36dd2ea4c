/**
 * The client's IP. X-Forwarded-For is believed only when `server.trust_proxy` says so: `true` trusts
 * every hop, a CIDR list trusts only proxies inside it (walking the header from the right).
 */
import { BlockList, isIP } from 'node:net';

export type ClientIpResolver = (remote: string, forwardedFor: string | null) => string;

function add(list: BlockList, cidr: string): void {
  const [address, bits] = cidr.split('/');
  const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) list.addAddress(address!, family);
  else list.addSubnet(address!, Number(bits), family);
}

const strip = (ip: string) => (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

export function clientIpResolver(trust: boolean | readonly string[]): ClientIpResolver {
  if (trust === false || (Array.isArray(trust) && trust.length === 0)) return (remote) => strip(remote);
  if (trust === true) {
    return (remote, xff) => {
      const first = xff?.split(',')[0]?.trim();
      return first && isIP(first) ? first : strip(remote);
    };
  }
  const trusted = new BlockList();
  for (const cidr of trust as readonly string[]) add(trusted, cidr);
  const isTrusted = (ip: string) => trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  return (remote, xff) => {
    let ip = strip(remote);
    if (!xff || !isTrusted(ip)) return ip;
    const hops = xff.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = strip(hops[i]!.trim());
      if (!isIP(hop)) return ip;
      ip = hop;
      if (!isTrusted(hop)) return hop;
    }
    return ip;
  };
}
