/** The province-scale run (`--scale`): the history generator, its suite and baselines. */
export { describeScale, parseScale, PROVINCE_YEAR, scaleHistory, ScaleSyntaxError, type ScaleHistory, type ScaleSize, type ScaleYear } from './scale-history';
export { runScaleSuite, type ScaleContext } from './scale-suite';
export { ScaleBaselines } from './scale-baselines';
