import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// Slow tests (real iptables, rsyslog, nmap, Chromium, SMTP) are named *.slow.test.ts so that
// `npm run test:fast` runs the rest in seconds; `npm test` runs all projects. The end-to-end tests
// (test/e2e) start daemons and set a global sysctl (net.netfilter.nf_log_all_netns): their project
// runs its files one at a time. The projects run one after the other (sequence.groupOrder): fast,
// slow, then e2e.
// Most fast tests wait on a child process (bin/run.js, a watcher, a stand-in journalctl): two files
// at a time keep two cores busy. Vitest's default is one worker per core but one, which is a single
// worker on a two-core machine (CI's); the slow project keeps that default.
const FAST_WORKERS = Math.max(2, availableParallelism())

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/**/*.slow.test.ts'], maxWorkers: FAST_WORKERS, sequence: { groupOrder: 0 }, testTimeout: 60_000, env: { TZ: 'UTC' } } },
      { test: { name: 'slow', include: ['test/**/*.slow.test.ts'], exclude: ['test/e2e/**'], sequence: { groupOrder: 1 }, testTimeout: 300_000, hookTimeout: 300_000, env: { TZ: 'UTC' } } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.slow.test.ts'], fileParallelism: false, sequence: { groupOrder: 2 }, testTimeout: 300_000, hookTimeout: 300_000, env: { TZ: 'UTC' } } },
    ],
  },
})
