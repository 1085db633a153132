// The file of an issue a console URL names: checked to be an issue id and to exist, else a 404
// (the same answer for both, so an id that is no issue reveals nothing more).
import { HttpInputError } from '../http/respond.ts';
import { existingIssueFile, UnknownIssueError } from '../use-cases/publishable-issue.ts';

export async function issueFileOr404(emailsDir: string, id: string): Promise<string> {
  try {
    return await existingIssueFile(emailsDir, id);
  } catch (error) {
    if (error instanceof UnknownIssueError) throw new HttpInputError(404, error.message);
    throw error;
  }
}
