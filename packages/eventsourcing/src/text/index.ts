// Text every store can hold (no U+0000, no lone surrogates).
export { isStorableText, unstorableTextIssue, unstorableTextProblem } from './storable-text';
