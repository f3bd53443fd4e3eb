import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The UI is served by `drover server` from web/dist; `npm run dev:web` proxies the API to a running server.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
  server: { proxy: { '/api': process.env.DROVER_URL ?? 'http://127.0.0.1:8080' } },
});
