/** Checks across routes and providers: known provider ids, unique route names, likely match-key typos. */
import { isMapping, listAt, mappingAt } from './guards.js';
import type { Report } from './report.js';
import { MATCH_KEYS } from './schema.js';
import { closest } from './suggest.js';

/** A route without a name is `route-<index>`. */
export const routeName = (route: unknown, index: number): string =>
  isMapping(route) && typeof route.name === 'string' ? route.name : `route-${index}`;

export function checkRoutes(raw: unknown, report: Report): void {
  const providerIds = Object.keys(mappingAt(raw, 'providers'));
  const firstByName = new Map<string, number>();
  listAt(raw, 'routes').forEach((route, index) => {
    if (!isMapping(route)) return;
    for (const list of ['targets', 'fallback'] as const) {
      listAt(route, list).forEach((target, position) => {
        if (
          !isMapping(target) ||
          typeof target.provider !== 'string' ||
          providerIds.includes(target.provider)
        )
          return;
        const known =
          providerIds.length > 0 ? `configured: ${providerIds.join(', ')}` : 'no providers are configured';
        report.error(
          ['routes', index, list, position, 'provider'],
          `no provider "${target.provider}" (${known})`,
        );
      });
    }
    const name = routeName(route, index);
    const first = firstByName.get(name);
    if (first === undefined) firstByName.set(name, index);
    else if (typeof route.name === 'string') {
      report.error(['routes', index, 'name'], `duplicate route name "${name}" (also routes[${first}])`);
    } else {
      report.error(
        ['routes', index],
        `this route's default name "${name}" is taken by routes[${first}]; give it a name`,
      );
    }
    // Plugins may add match keys, so an unknown one is allowed; a near miss of a core key is likely a typo
    // that would make the route match more than intended.
    for (const key of Object.keys(mappingAt(route, 'match'))) {
      const suggestion = MATCH_KEYS.includes(key) ? undefined : closest(key, MATCH_KEYS);
      if (suggestion) {
        report.warning(
          ['routes', index, 'match', key],
          `"${key}" is not a core match key (did you mean "${suggestion}"?)`,
          {
            key: true,
          },
        );
      }
    }
  });
}
