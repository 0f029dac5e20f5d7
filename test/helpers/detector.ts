import type { Settings } from '../../src/config/settings.js'
import { Detector, type PacketSink } from '../../src/detect/detector.js'
import { NO_LISTS, type DangerEvent, type DetectionLists } from '../../src/detect/engine.js'
import type { FieldCriterion } from '../../src/detect/fields.js'
import type { OsDatabase } from '../../src/detect/os/index.js'
import type { SignatureIndex } from '../../src/detect/signatures/signature-index.js'

/** What a test builds a detector from; everything but the settings defaults to "none". */
export interface DetectorParts {
  settings: Settings
  signatures?: SignatureIndex | null
  fields?: readonly FieldCriterion[]
  os?: OsDatabase | null
  lists?: DetectionLists
  onEvent?: ((e: DangerEvent) => void) | null
  sink?: PacketSink | null
}

/** Returns a detector of `parts`. */
export function detectorOf(parts: DetectorParts): Detector {
  const plan = { settings: parts.settings, criteria: parts.fields ?? [], signatures: parts.signatures == null ? null : { index: parts.signatures }, os: parts.os ?? null, lists: parts.lists ?? NO_LISTS }
  const onEvent = parts.onEvent
  return new Detector(plan, { onEvent: onEvent == null ? null : (e) => onEvent(e), sink: parts.sink })
}
