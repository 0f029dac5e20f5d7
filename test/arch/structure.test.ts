import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/cli.js'

// The modules of src/ form no circle of imports, type-only imports included: the data flows
// sources → parse → detect → report / respond, with the run driver on top (docs/ARCHITECTURE.md).

const SRC = path.join(ROOT, 'src')
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

/** Returns the graph of relative imports between the files of `dir`: file → files it imports. */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8')
    const deps: string[] = []
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!
      deps.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
    }
    graph.set(file, deps)
  }
  return graph
}

/** Returns the strongly connected components with more than one file (or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.map((f) => path.relative(ROOT, f)).sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return out
}

describe('module structure', () => {
  it('finds a circle when there is one (the checker itself works)', () => {
    const g = new Map([['/a.ts', ['/b.ts']], ['/b.ts', ['/c.ts']], ['/c.ts', ['/a.ts']], ['/d.ts', ['/a.ts']]])
    expect(cycles(g).map((c) => c.map((f) => path.basename(f)))).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('src/ has no import circles, type-only imports included', () => {
    expect(cycles(importGraph(SRC))).toEqual([])
  })
})

// Which folders a folder's modules may import (besides itself). Type-only imports count too, except
// where noted: detect/ may name configuration types, and sources/parse never reach up the flow.
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  parse: ['core'],
  sources: ['core'],
  detect: ['core', 'parse'],
  config: ['core', 'parse', 'detect', 'sources'],
  report: ['core', 'parse', 'detect', 'config', 'sources'],
  respond: ['core', 'parse', 'detect', 'config', 'sources', 'report'],
  firewall: ['core', 'parse', 'config', 'sources', 'report', 'respond'],
  state: ['core', 'parse', 'detect', 'config', 'sources'],
  run: ['core', 'parse', 'detect', 'config', 'sources', 'report', 'respond'],
  watch: ['core', 'parse', 'detect', 'config', 'sources', 'report', 'respond', 'run', 'firewall', 'state'],
  cli: ['core', 'parse', 'detect', 'config', 'sources', 'report', 'respond', 'run', 'watch', 'firewall', 'state'],
  commands: ['core', 'parse', 'detect', 'config', 'sources', 'report', 'respond', 'run', 'watch', 'firewall', 'state', 'cli'],
}
// detect/ reads configuration types (Settings) but never configuration code.
const TYPE_ONLY: Record<string, readonly string[]> = { detect: ['config'] }

const folderOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0]!

describe('folders follow the flow: sources → parse → detect → report / respond, the driver in run/', () => {
  it('every import goes to a folder allowed to it', () => {
    const bad: string[] = []
    for (const file of sourceFiles(SRC)) {
      const from = folderOf(file)
      if (!file.slice(SRC.length + 1).includes(path.sep)) continue
      const allowed = MAY_IMPORT[from]
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/g)) {
        const to = folderOf(path.resolve(path.dirname(file), m[3]!))
        if (to === from) continue
        const typeOnly = m[2] !== undefined
        if (allowed === undefined || (!allowed.includes(to) && !(typeOnly && (TYPE_ONLY[from] ?? []).includes(to)))) {
          bad.push(`${path.relative(ROOT, file)} imports ${to}/ (${m[3]})`)
        }
      }
    }
    expect(bad).toEqual([])
  })

  it('parse/ and detect/ touch no files, processes, environment or clock', () => {
    const bad: string[] = []
    for (const dir of ['parse', 'detect']) {
      for (const file of sourceFiles(path.join(SRC, dir))) {
        const text = readFileSync(file, 'utf8')
        for (const re of [/from 'node:(?!util|buffer)[a-z_/]+'/, /\bprocess\./, /\bDate\.now\(/, /new Date\(\)/, /import\.meta\.url/]) {
          if (re.test(text)) bad.push(`${path.relative(ROOT, file)}: ${re.source}`)
        }
      }
    }
    expect(bad).toEqual([])
  })
})
