/** The airline API as handlers see it: one call per command (the downstream AirlineClient satisfies it). */
export interface AirlineCaller {
  call(command: string, payload: unknown, options: { correlationId: string; deadline?: number }): Promise<unknown>;
}
