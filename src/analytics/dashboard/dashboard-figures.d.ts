// Types of dashboard-figures.js, the page's one module of pure functions: the page runs the
// JavaScript as it is (no build step); the tests and the compiler read these.
import type { ConversionReport, ExperimentResults, FunnelReport, LatencyFigures } from '../analytics-types.ts';

/** Rows of a figures table: one array of cell texts per row. */
export type Rows = string[][];

export interface Series {
  readonly label: string;
  readonly values: (number | null)[];
}

export const STATE_ORDER: readonly string[];
export function inStateOrder<S extends { readonly state: string }>(steps: readonly S[]): S[];
export function formatPercent(value: number | null | undefined): string;
export function formatSignedPercent(value: number | null | undefined): string;
export function formatMs(value: number | null | undefined): string;
export function formatRatio(value: number | null | undefined): string;
export function formatPValue(value: number | null | undefined): string;
export function funnelFigures(report: FunnelReport): { labels: string[]; values: number[]; rows: Rows; dropOffRows: Rows };
export function conversionFigures(report: ConversionReport): { labels: string[]; series: Series[]; rows: Rows };
export function lookToBookFigures(report: ConversionReport): { labels: string[]; values: (number | null)[]; rows: Rows };
export function latencyFigures<E extends LatencyFigures>(entries: readonly E[], nameOf: (entry: E) => string, withErrors: boolean): { labels: string[]; series: Series[]; rows: Rows };
export function experimentRows(results: ExperimentResults): Rows;
