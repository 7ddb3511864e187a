/**
 * Detection: in the offline lifecycle world, the simulated time from the sync turning SUCCEEDED to the gate
 * answering SUCCESS. Measured only when the lifecycle harness exists; otherwise reported as not measured.
 */
export interface DetectionResult {
  /** One cell of the report. */
  readonly summary: string;
  /** undefined when not measured. */
  readonly met?: boolean;
  readonly note?: string;
  /** A paragraph for the report, when there is more to say. */
  readonly details?: string;
}

export async function measureDetection(_root: string): Promise<DetectionResult> {
  return { summary: 'not measured: harness not available', note: 'the offline lifecycle harness is not in test/support yet' };
}
