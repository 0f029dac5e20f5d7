import { fileURLToPath } from 'node:url'
import { ConfigError } from '../core/errors.js'
import { parseSignatures, type GrammarOptions } from '../detect/signatures/grammar.js'
import { SignatureIndex } from '../detect/signatures/signature-index.js'
import type { Signature } from '../detect/signatures/types.js'
import { readConfigText } from './read-text.js'

/** The signature set shipped with portsleuth. */
export const BUNDLED_SIGNATURES = fileURLToPath(new URL('../../signatures/portsleuth.sig', import.meta.url))

export interface SignatureSet {
  files: string[]
  signatures: Signature[]
  index: SignatureIndex
  warnings: string[]
}

// A rule: `alert <proto> …` (see read-text.ts: quoting files).
const SIGNATURE_SHAPE = { test: /^alert\s/, kind: 'a psad signature', expected: "'alert <proto> <src> <sport> -> <dst> <dport> (<options>)'" }

/** Loads and indexes signature files; throws ConfigError (exit 3) naming file:line on any error. */
export async function loadSignatures(files: readonly string[], opts: GrammarOptions): Promise<SignatureSet> {
  const signatures: Signature[] = []
  const warnings: string[] = []
  const seen = new Map<string, string>()
  for (const file of files) {
    const loaded = parseSignatures(await readConfigText(file, 'signature file', { shape: SIGNATURE_SHAPE }), file, opts)
    for (const sig of loaded.signatures) {
      const prev = seen.get(sig.key)
      if (prev !== undefined) throw new ConfigError(`${sig.file}:${sig.line}: ${sig.key.replace(':', ' ')} is already defined at ${prev}`)
      seen.set(sig.key, `${sig.file}:${sig.line}`)
    }
    signatures.push(...loaded.signatures)
    warnings.push(...loaded.warnings)
  }
  return { files: [...files], signatures, index: new SignatureIndex(signatures), warnings }
}
