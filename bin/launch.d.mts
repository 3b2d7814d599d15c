// Types of bin/launch.mjs for the tests that import it.
export declare const root: string;
export declare const stampFile: string;
export declare function newestSourceMs(base?: string): number;
export declare function compiledIsCurrent(base?: string): boolean;
export declare function launch(entry: string): Promise<void>;
