/**
 * Errors that topolens raises on bad input. Every message names what was wrong and what to do
 * about it ("NaN in row 17, column 3 of layer `block3`: ..."), never a bare type error.
 */
export type TopolensErrorCode =
  | 'invalid-input'
  | 'invalid-option'
  | 'too-large'
  | 'missing-tool'
  | 'missing-file'
  | 'parse-error'
  | 'cannot-write'
  | 'unsupported';

export class TopolensError extends Error {
  readonly code: TopolensErrorCode;
  /** What the user can do about it, printed after the message by the CLI. */
  readonly hint?: string;

  constructor(code: TopolensErrorCode, message: string, hint?: string) {
    super(hint ? `${message}\n  ${hint}` : message);
    this.name = 'TopolensError';
    this.code = code;
    this.hint = hint;
  }
}

export function invalidInput(message: string, hint?: string): TopolensError {
  return new TopolensError('invalid-input', message, hint);
}

export function invalidOption(message: string, hint?: string): TopolensError {
  return new TopolensError('invalid-option', message, hint);
}
