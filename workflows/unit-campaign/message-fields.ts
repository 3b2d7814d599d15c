/** The two fields most Update payloads share, defined once for messages.ts and its split files. */
import { id } from '../../domain/input/fields.js';

/** The acting person, as the workflow knows people from its input (the API fills it from the token). */
export const personId = id('操作人编号');
export const taskId = id('事项编号').describe('事项编号（见单位进度中的 taskId）');
