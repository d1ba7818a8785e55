import type { ValueTransformer } from 'typeorm';
import { SecretBox } from './secret-box';

/**
 * A TypeORM transformer that keeps a text column sealed by SecretBox at rest.
 * Entities are declared before configuration is read, so the owning module
 * hands the box over once at start (`use`); a read or write before that is a
 * programming error and throws.
 */
export class SealedColumn implements ValueTransformer {
  private box?: SecretBox;

  use(box: SecretBox): void {
    this.box = box;
  }

  to(value: string | null | undefined): string | null | undefined {
    return value == null ? value : this.require().seal(value);
  }

  from(value: string | null | undefined): string | null | undefined {
    if (value == null) return value;
    // Rows written before sealing was introduced hold the plain value; they are sealed on their next write.
    if (!value.startsWith('v1:') && !value.startsWith('v2:')) return value;
    return this.require().open<string>(value);
  }

  private require(): SecretBox {
    if (!this.box) throw new Error('SealedColumn used before its key was set');
    return this.box;
  }
}
