export function b64encode(input: ArrayBuffer): string {
  return Buffer.from(input).toString("base64");
}
