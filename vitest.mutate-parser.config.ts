import { defineConfig } from 'vitest/config'
import base from './vitest.mutate.config.js'

// The parser's own tests, for `npm run mutate:parser` (stryker.parser.config.mjs): what each log
// line gives (the line-* tests, the golden reports, the corpus), without the detector's and the
// report writers' slower tests. Nearly every test covers the parser, so a surviving mutant of
// src/parse runs all of them: with the whole set of vitest.mutate.config.ts one survivor costs
// about 30 s of CPU, with this one about 8 s. A mutant only these tests miss may still be killed by
// the whole set: the score of this run is a lower bound.
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/golden.test.ts',
      'test/unit/{line-parser,line-reasons,line-fuzz,hot-path,packet-fields,stamps,ipchains,auto-dl,line-bounds,line-heads,protocols,line-formats,line-limits,line-buckets,line-source,address,time,corpus,filters,verdict-functions,signatures,sources,classify,daemon-keys,address-text,bytes,body-keys,packet-shape,month-names,syslog-header}.test.ts',
      'test/report/{packet-csv,json}.test.ts',
      'test/diff/psad-diff.test.ts',
    ],
  },
})
