/** The webview host's API (acquireVsCodeApi), typed with the protocol's messages and state. */
import type { FromWebview, WebviewState } from '../../server/src/protocol';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** The API can be acquired once per page: every module goes through here. */
export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
