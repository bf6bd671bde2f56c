import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Three entry points, each its own small bundle: the admin panel, the public checkout and the store/POS.
// The Till process serves web/dist: the HTML pages on their routes, the hashed files under /assets/.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    reportCompressedSize: true,
    rollupOptions: {
      input: {
        admin: "admin.html",
        checkout: "checkout.html",
        store: "store.html",
      },
    },
  },
});
