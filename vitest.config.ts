import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "sim/**/*.test.ts",
      "src/**/*.test.ts",
      "properties/**/*.test.ts",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
