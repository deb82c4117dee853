import { GatewayError } from '../../src/errors/index.ts';

/** The GatewayError a call fails with; any other outcome fails the test. */
export async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
