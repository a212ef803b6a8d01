import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The API server during development (`pnpm dev` at the workspace root).
const SERVER = "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [svelte()],
  server: {
    // The Host header is kept (no changeOrigin), so the server sees the page's own origin
    // and accepts cookie-authenticated writes and websockets from the dev server.
    proxy: {
      "/api": { target: SERVER },
      "/sync": { target: SERVER, ws: true },
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
  },
});
