// Builds the page into web/dist with relative asset paths, so `semspace serve --web web/dist` can serve it at any
// prefix. `npm run dev` proxies the API to a running server (SEMSPACE_URL, default the mock on port 8090).
import { defineConfig } from 'vite';

const api = process.env.SEMSPACE_URL ?? 'http://127.0.0.1:8090';
const proxied = ['/models', '/collections', '/health'];

export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: Object.fromEntries(proxied.map((path) => [path, api])) },
});
