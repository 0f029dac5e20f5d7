import type { Settings } from '../../src/config/settings.js'
import type { TimeContext } from '../../src/parse/time.js'

export declare const BATCH: number
export declare const TIME: TimeContext
export declare function killTestSettings(settings: Settings): Settings
export declare function killTestLine(i: number): string
