import { asArray, asObject, asString } from '../json';
import type { JsonObject } from '../json';
import { invalidArgument } from './common';
import type { GeminiError } from './common';

/** Checks `generateContent` makes that matter to a gateway (WIRE-FORMATS 4.1). */
export function validateGenerateRequest(body: JsonObject): GeminiError | undefined {
  const contents = asArray(body.contents);
  if (!contents || contents.length === 0) {
    return invalidArgument('* GenerateContentRequest.contents: contents is not specified\n');
  }
  for (let i = 0; i < contents.length; i++) {
    const turn = asObject(contents[i]);
    const role = asString(turn?.role);
    if (role !== undefined && role !== 'user' && role !== 'model') {
      return invalidArgument('Please use a valid role: user, model.');
    }
    const parts = asArray(turn?.parts);
    if (!parts || parts.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`,
      );
    }
    for (let j = 0; j < parts.length; j++) {
      const part = asObject(parts[j]);
      const call = asObject(part?.functionCall);
      if (call && !asString(call.name)) {
        return invalidArgument(
          `* GenerateContentRequest.contents[${i}].parts[${j}].function_call.name: Name cannot be empty.\n`,
        );
      }
      const response = asObject(part?.functionResponse);
      if (response && !asString(response.name)) {
        return invalidArgument(
          `* GenerateContentRequest.contents[${i}].parts[${j}].function_response.name: Name cannot be empty.\n`,
        );
      }
    }
  }
  return undefined;
}
