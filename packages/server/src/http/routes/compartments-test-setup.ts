/**
 * The users of the route tests and a fresh server per test: every role globally, and per compartment for
 * `shop` (the compartment under test) and for `other` (a grant that must not reach `shop`).
 */
import type { TestUser } from './compartments-test-support.js';
import {
  createTestContext,
  createTestServer,
  specText,
  type TestContext,
  type TestServer,
} from './compartments-test-support.js';

export const USERS: Record<string, TestUser> = {
  admin: { global: 'admin' },
  operator: { global: 'operator' },
  viewer: { global: 'viewer' },
  shopAdmin: { grants: { shop: 'admin' } },
  shopOperator: { grants: { shop: 'operator' } },
  shopViewer: { grants: { shop: 'viewer' } },
  otherAdmin: { grants: { other: 'admin' } },
};

export interface Setup {
  ctx: TestContext;
  t: TestServer;
  close(): Promise<void>;
}

/** A server over a store in `dataDir`; with `shop`, the compartment shop exists with a 2-container spec applied. */
export async function setup(
  dataDir: string,
  options: {
    shop?: boolean;
    folders?: NonNullable<Parameters<typeof createTestContext>[0]>['folders'];
    catalog?: NonNullable<Parameters<typeof createTestContext>[0]>['catalog'];
  } = {},
): Promise<Setup> {
  const ctx = createTestContext({
    dataDir,
    ...(options.folders ? { folders: options.folders } : {}),
    ...(options.catalog ? { catalog: options.catalog } : {}),
  });
  const t = await createTestServer(ctx.app, USERS);
  if (options.shop) {
    await ctx.app.compartments.create({ id: 'shop' });
    await ctx.app.compartments.applySpecText(specText('shop'), 'test', { actor: 'seed' });
  }
  return {
    ctx,
    t,
    close: async () => {
      await t.server.close();
      ctx.close();
    },
  };
}
