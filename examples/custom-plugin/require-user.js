/**
 * A custom plugin loaded by path (`use: ./require-user.js`): refuses chat requests that do not say who
 * the end user is (the `user` or `safety_identifier` field) and tags the response with the route used.
 * Plain ESM JavaScript, so it loads with no build step.
 */
import { errors } from '@switchyard/core';

/** @type {import('@switchyard/core').PluginDefinition<{ header: string }>} */
export default {
  name: 'require-user',
  setup(options) {
    const header = options?.header ?? 'x-example-end-user';
    return {
      hooks: {
        onRequest(ctx) {
          const user = ctx.body.user ?? ctx.body.safety_identifier;
          if (typeof user !== 'string' || user === '') {
            throw errors.invalid(
              "Set 'user' (or 'safety_identifier') to identify the end user.",
              'user',
              'missing_user',
            );
          }
          ctx.responseHeaders[header] = user;
        },
      },
    };
  },
};
