export interface LocalMediaOptions {
  originalSound: boolean;
}

// A steady tone or music is what "original sound" is for, and the browser's
// echo cancellation and noise suppression would treat it as noise.
const ORIGINAL_SOUND: MediaTrackConstraints = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
};

export function mediaConstraints({ originalSound }: LocalMediaOptions): MediaStreamConstraints {
  return {
    video: { width: 640, height: 360, frameRate: 30 },
    audio: originalSound ? ORIGINAL_SOUND : true,
  };
}

export async function openLocalMedia(options: LocalMediaOptions): Promise<MediaStream> {
  // navigator.mediaDevices is missing altogether outside a secure context.
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new DOMException('mediaDevices unavailable', 'SecurityError');
  }
  return navigator.mediaDevices.getUserMedia(mediaConstraints(options));
}

/** Turns a getUserMedia failure into a sentence a user can act on. */
export function describeMediaError(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
      return 'Camera or microphone access was denied. Allow it in the browser (the icon next to the address) and try again.';
    case 'SecurityError':
      return 'Camera or microphone access needs a secure page: open this site over https:// or on localhost.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera or microphone could not be started; another application may be using it.';
    default:
      return `Could not open the camera or microphone${err instanceof Error && err.message ? `: ${err.message}` : '.'}`;
  }
}

export function stopTracks(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}
