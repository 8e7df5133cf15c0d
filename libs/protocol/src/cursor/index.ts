/** Cursor's hybrid `/cursor/chat/completions` bodies → canonical (the answer is Chat Completions). */
export { decodeCursorRequest, decodeCursorBody, EMPTY_TURN_PLACEHOLDER } from './request-decode';
export type { CursorDecoded } from './request-decode';
