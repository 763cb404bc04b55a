import { defineConfig } from 'vitest/config';

// Two projects: `unit` is fast and needs nothing; `lab` runs on real GlusterFS, MooseFS and
// keepalived servers in network namespaces (root, /dev/fuse) and runs one file at a time.
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          fileParallelism: false,
          pool: 'forks',
          testTimeout: 180_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
