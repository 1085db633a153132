// A failure to get papers from arXiv, in one sentence an editor can act on ("arXiv did not answer
// within 10 s; try again"): the network, the answer's size or shape, or arXiv's own error.
export class ArxivError extends Error {
  override readonly name = 'ArxivError';
}
