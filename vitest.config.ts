import { defineConfig } from 'vitest/config'

// Slow tests (real iptables, rsyslog, nmap, Chromium, SMTP) are named *.slow.test.ts so that
// `npm run test:fast` runs the rest in seconds; `npm test` runs both projects.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/**/*.slow.test.ts'], testTimeout: 60_000, env: { TZ: 'UTC' } } },
      { test: { name: 'slow', include: ['test/**/*.slow.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, env: { TZ: 'UTC' } } },
    ],
  },
})
