/** One problem found while rendering, located in a file of the repository. */
export type RenderIssue = {
  file: string;
  line?: number;
  column?: number;
  message: string;
};

/** Formats an issue as `file:line:col: message`, the form editors and CI logs link. */
export function formatIssue(issue: RenderIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.message}`;
}

/** Line and column (1-based) of a character offset in text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
