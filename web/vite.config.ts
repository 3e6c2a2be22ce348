/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the app on its own port; the Rust server stays the
// single origin for signalling and the API, so requests are passed through.
const backend = process.env.CONNECT_RIGHT_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/ws': { target: backend, ws: true },
      '/api': backend,
      '/healthz': backend,
    },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
  },
});
