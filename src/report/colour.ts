// Colour for the text report on a terminal. Only our own fixed tokens (section headers, "DL n") are
// ever wrapped in SGR sequences, and each span opens and closes around that token alone: log-derived
// text (already made safe by printable) is never inside a span, so it can neither inherit a colour
// nor close or alter ours. Colour adds no visible width, so the 80-column layout is computed as if
// there were none.

const RESET = '\u001b[0m'
const SGR = /\u001b\[[0-9;]*m/g

// DL5 bold red, DL4 red, DL3 yellow, DL2 cyan, DL1 green: psad's levels read from alarming to mild.
const LEVEL: Record<number, string> = { 5: '1;31', 4: '31', 3: '33', 2: '36', 1: '32' }

/** How the text renderer marks headers and danger levels; identity functions when colour is off. */
export interface Palette {
  header(text: string): string
  level(dangerLevel: number, text: string): string
}

export const plainPalette: Palette = {
  header: (text) => text,
  level: (_dl, text) => text,
}

export const ansiPalette: Palette = {
  header: (text) => `\u001b[1m${text}${RESET}`,
  level: (dl, text) => (LEVEL[dl] === undefined ? text : `\u001b[${LEVEL[dl]}m${text}${RESET}`),
}

/** The environment variables and stream property colour depends on. */
export interface ColourContext {
  isTTY: boolean | undefined
  env: Readonly<Record<string, string | undefined>>
}

/**
 * Returns true when the text report should be coloured: NO_COLOR (any non-empty value, no-color.org)
 * always wins; FORCE_COLOR (non-empty and not 0/false) forces it; otherwise only on a terminal that
 * is not TERM=dumb.
 */
export function colourWanted({ isTTY, env }: ColourContext): boolean {
  if ((env.NO_COLOR ?? '') !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false'
  return isTTY === true && env.TERM !== 'dumb'
}

/** Returns text without SGR colour sequences. */
export function stripColour(text: string): string {
  return text.replace(SGR, '')
}
