import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import Handlebars from 'handlebars'
import { InternalError } from '../core/errors.js'
import { pageData, scriptJson } from './html-data.js'
import { htmlView } from './html-view.js'
import type { ReportV1 } from './model.js'

// The HTML report: one self-contained file (styles, script and SVG charts inline, no fonts, no
// network) that opens from a mail attachment. Log data reaches the page only through handlebars
// `{{ }}` escaping or the script-safe JSON block; a Content-Security-Policy that allows exactly our
// own script (by hash) and no fetches at all is the second line of defence.

export interface HtmlOptions {
  /** Heading and document title; default `portsleuth report: <syslog hosts>, <period>` (title.ts). */
  title?: string
  /** When the report was made (ISO 8601), supplied by the caller: the renderer reads no clock. */
  generatedAt: string
}

// src/report/html.ts and dist/report/html.js are both two levels below the package root.
const TEMPLATES = new URL('../../templates/html/', import.meta.url)
const PARTIALS = ['summary', 'timeline', 'dl-chart', 'tops', 'count-table', 'sources', 'noise']
const ASSETS = ['report.css', 'report.js'] as const

interface Compiled {
  page: Handlebars.TemplateDelegate
  csp: string
}

let compiled: Compiled | null = null

function read(name: string): string {
  const url = new URL(name, TEMPLATES)
  try {
    return readFileSync(url, 'utf8')
  } catch (err) {
    throw new InternalError(`HTML report template ${url.pathname} is unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)}): broken installation`)
  }
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

function compile(): Compiled {
  const hbs = Handlebars.create()
  const assets = new Map<string, string>(ASSETS.map((a) => [a, read(a)]))
  for (const [name, text] of assets) {
    if (/<\/(script|style)/i.test(text)) throw new InternalError(`HTML report asset ${name} would close its own element`)
  }
  // Our own files, inlined verbatim: never log data.
  hbs.registerHelper('asset', (name: string) => {
    const text = assets.get(name)
    if (text === undefined) throw new InternalError(`unknown HTML report asset '${name}'`)
    return new hbs.SafeString(text)
  })
  hbs.registerHelper('scriptJson', (value: unknown) => new hbs.SafeString(scriptJson(value)))
  for (const p of PARTIALS) hbs.registerPartial(p, read(`partials/${p}.hbs`))
  const page = hbs.compile(read('report.hbs'), { strict: true, preventIndent: true })
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(assets.get('report.css')!)}`,
    `script-src ${sha256(assets.get('report.js')!)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  return { page, csp }
}

/**
 * Returns the report as one self-contained HTML document. Reads and compiles the templates on first
 * use; throws InternalError if they are missing (a broken installation).
 */
export function renderHtml(report: ReportV1, options: HtmlOptions): string {
  compiled ??= compile()
  const view = htmlView(report, options)
  return compiled.page({ ...view, csp: compiled.csp, data: pageData(report) })
}
