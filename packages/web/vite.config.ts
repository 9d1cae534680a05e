import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web UI. `npm run dev -w @quadletman/web` serves it with the API proxied to a quadletman server on
// 127.0.0.1:8080 (`quadletman serve`); `npm run build -w @quadletman/web` writes dist/, which the server serves.
const server = process.env.QUADLETMAN_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: server, changeOrigin: false, ws: true },
      '/healthz': server,
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
});
