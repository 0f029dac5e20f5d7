import { EXIT, PortsleuthError } from '../core/errors.js'

/** Exit status when a report could not be delivered (the report files were still written). */
export const EXIT_DELIVERY = EXIT.delivery

/** The SMTP server could not be reached or refused the report mail (exit 5). The message names the server and the step. */
export class DeliveryError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'delivery', EXIT_DELIVERY, hint)
  }
}
