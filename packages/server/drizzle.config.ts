// drizzle-kit: generates SQL migrations from src/store/schema.ts (`npm run db:generate` at the root, which
// also embeds them for the bundle). Migrations are applied by the store itself when it opens a database.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});
