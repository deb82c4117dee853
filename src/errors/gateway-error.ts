import { ERROR_TABLE, type ErrorCode, type ErrorDefinition } from './error-table.ts';

/** Where in the input an error was found. Line and column are 1-based; path is an element path like `/IATA_AirShoppingRQ/Request/PaxList/Pax[2]/PTC`. */
export interface ErrorDetail {
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The one error class that stages throw. The HTTP edge turns it into an NDC `<Errors>` answer. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  override readonly cause?: unknown;

  constructor(code: ErrorCode, message?: string, details: readonly ErrorDetail[] = [], cause?: unknown) {
    super(message ?? ERROR_TABLE[code].message);
    this.name = 'GatewayError';
    this.code = code;
    this.details = details;
    if (cause !== undefined) this.cause = cause;
  }

  get definition(): ErrorDefinition {
    return ERROR_TABLE[this.code];
  }

  /** Plain data, safe to put on a queue or in a log. */
  toJSON(): { code: ErrorCode; message: string; details: readonly ErrorDetail[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Rebuild a GatewayError from its JSON form (e.g. after it crossed the queue). Unknown codes become INTERNAL_ERROR. */
export function gatewayErrorFromJSON(value: unknown): GatewayError {
  if (typeof value === 'object' && value !== null) {
    const { code, message, details } = value as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof code === 'string' && code in ERROR_TABLE) {
      return new GatewayError(code as ErrorCode, typeof message === 'string' ? message : undefined, Array.isArray(details) ? (details as ErrorDetail[]) : []);
    }
  }
  return new GatewayError('INTERNAL_ERROR');
}

/** Wrap anything thrown into a GatewayError, keeping GatewayErrors as they are. */
export function toGatewayError(error: unknown): GatewayError {
  return isGatewayError(error) ? error : new GatewayError('INTERNAL_ERROR', undefined, [], error);
}
