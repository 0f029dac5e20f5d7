// The floor of this stack: stream a file through split2 and count its lines (what `npm run bench`
// compares portsleuth with).
import { createReadStream } from 'node:fs'
import split2 from 'split2'

let lines = 0
createReadStream(process.argv[2])
  .pipe(split2())
  .on('data', () => lines++)
  .on('end', () => process.stdout.write(`${lines}\n`))
