import { EXIT, PortsleuthError } from '../core/errors.js'

/** The SMTP server could not be reached or refused the report mail (exit 5). The message names the server and the step. */
export class DeliveryError extends PortsleuthError {
  constructor(message: string, hint?: string) {
    super(message, 'delivery', EXIT.action, hint)
  }
}
