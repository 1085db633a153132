// What an editorial check found in an issue: an error (not fit to send) or a warning, with the
// field path an editor can find in the file.
export interface LintFinding {
  level: 'error' | 'warning';
  /** Field path in the issue file, e.g. `sections[0].groups[1].papers[2].url`, when there is one. */
  path?: string;
  message: string;
}
