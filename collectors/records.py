"""Typed record batches: the only thing a source hands to a sink.

Each kind has an Arrow schema. `make_batch` validates a table against it at the
edge, so a sink never sees a missing key, a wrong type or a null where a value
is required; the error names the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

Kind = Literal[
    "declaration",
    "receipt",
    "tax",
    "tax_status",
    "request",
    "request_receipt",
    "format_reject",
    "quarantine",
    "occupancy",
    "health",
    "site_measure",
    "release_minute",
    "release_category_minute",
    "receipt_minute",
    "adjustment_minute",
]

TS = pa.timestamp("us")
YUAN = pa.decimal128(18, 5)  # amounts and quantities as sent: up to 5 decimals, kept exact
TRADE_MODES = ("1210", "9610", "other")  # bonded import, direct purchase, anything else
REQUEST_FAMILIES = ("cancel", "refund")  # CEB623/624 and CEB625/626
# what a format reject (CEB900) may name: the import-side messages a sender sends; else "other"
# each site's own figures (the unit is in the name): shelving and 48-hour delivery (梅山),
# flights and air waybills since 18:00 (栎社), in-warehouse time and sorter throughput (杭州湾新区)
SITE_MEASURES = (
    "shelved_parcels_per_hour",
    "delivered_48h_ratio",
    "flights_landed_count",
    "air_waybills_count",
    "in_warehouse_minutes",
    "sorter_parcels_per_hour",
)
REJECTED_TYPES = ("CEB311", "CEB411", "CEB511", "CEB621", "CEB622", "CEB623", "CEB625", "other")

SCHEMAS: dict[str, pa.Schema] = {
    # an inventory list (CEB621 Inventory): head fields the command center needs,
    # goods value summed over its lines, category of its most valuable line
    "declaration": pa.schema(
        [
            pa.field("ebc_code", pa.string(), nullable=False),
            pa.field("cop_no", pa.string(), nullable=False),
            pa.field("invt_no", pa.string()),
            pa.field("customs_code", pa.string(), nullable=False),
            pa.field("ebp_code", pa.string(), nullable=False),
            pa.field("area_code", pa.string()),
            pa.field("app_time", TS, nullable=False),
            pa.field("app_type", pa.int16(), nullable=False),
            pa.field("goods_value_fen", pa.int64(), nullable=False),
            pa.field("line_count", pa.int32(), nullable=False),
            pa.field("category_code", pa.string(), nullable=False),
            pa.field("trade_mode", pa.string(), nullable=False),  # one of TRADE_MODES
            # the lines a return may name: gnum, unit price and quantity, in line order
            pa.field("line_gnum", pa.list_(pa.int32()), nullable=False),
            pa.field("line_price", pa.list_(YUAN), nullable=False),
            pa.field("line_qty", pa.list_(YUAN), nullable=False),
        ]
    ),
    # a status change (CEB622 InventoryReturn)
    "receipt": pa.schema(
        [
            pa.field("ebc_code", pa.string(), nullable=False),
            pa.field("cop_no", pa.string(), nullable=False),
            pa.field("invt_no", pa.string()),
            pa.field("customs_code", pa.string(), nullable=False),
            pa.field("ebp_code", pa.string()),
            pa.field("return_status", pa.int32(), nullable=False),
            pa.field("return_time", TS, nullable=False),
            pa.field("return_info", pa.string()),
        ]
    ),
    # an electronic tax receipt (CEB816 TaxHeadRd), amounts in yuan as sent
    "tax": pa.schema(
        [
            pa.field("invt_no", pa.string(), nullable=False),
            pa.field("tax_no", pa.string(), nullable=False),
            pa.field("return_time", TS, nullable=False),
            pa.field("customs_tax", YUAN, nullable=False),
            pa.field("value_added_tax", YUAN, nullable=False),
            pa.field("consumption_tax", YUAN, nullable=False),
            pa.field("status", pa.int16(), nullable=False),  # 1 generated, 2 summarised, 3 voided
            pa.field("ebc_code", pa.string()),
            pa.field("customs_code", pa.string()),
        ]
    ),
    # a tax status change (CEB818 TaxHeadStatus)
    "tax_status": pa.schema(
        [
            pa.field("invt_no", pa.string(), nullable=False),
            pa.field("tax_no", pa.string(), nullable=False),
            pa.field("status", pa.int16(), nullable=False),
            pa.field("return_time", TS, nullable=False),
        ]
    ),
    # a request against a released list: a whole-list cancellation (CEB623
    # InvtCancel, no lines) or a return of some lines (CEB625 InvtRefund)
    "request": pa.schema(
        [
            pa.field("family", pa.string(), nullable=False),  # one of REQUEST_FAMILIES
            pa.field("agent_code", pa.string(), nullable=False),
            pa.field("cop_no", pa.string(), nullable=False),  # the request's own number
            pa.field("invt_no", pa.string(), nullable=False),  # the list it concerns
            pa.field("customs_code", pa.string()),
            pa.field("ebp_code", pa.string()),
            pa.field("ebc_code", pa.string()),
            pa.field("app_time", TS, nullable=False),
            pa.field("line_gnum", pa.list_(pa.int32()), nullable=False),  # the list lines returned
            pa.field("line_qty", pa.list_(YUAN), nullable=False),  # and how many of each
        ]
    ),
    # a receipt of a request (CEB624 InvtCancelReturn, CEB626 InvtRefundReturn)
    "request_receipt": pa.schema(
        [
            pa.field("family", pa.string(), nullable=False),
            pa.field("agent_code", pa.string(), nullable=False),
            pa.field("cop_no", pa.string(), nullable=False),
            pa.field("invt_no", pa.string()),
            pa.field("customs_code", pa.string()),
            pa.field("return_status", pa.int32(), nullable=False),
            pa.field("return_time", TS, nullable=False),
            pa.field("return_info", pa.string()),
        ]
    ),
    # a format reject of one of a sender's messages (CEB900 MessageReturn); it names no list
    "format_reject": pa.schema(
        [
            pa.field("guid", pa.string(), nullable=False),
            pa.field("ori_message_type", pa.string(), nullable=False),  # e.g. CEB621
            pa.field("ori_cop_msg_id", pa.string()),
            pa.field("return_status", pa.int32(), nullable=False),
            pa.field("return_time", TS, nullable=False),
            pa.field("return_info", pa.string()),
        ]
    ),
    # a file set aside by an ingesting source, with the reason
    "quarantine": pa.schema(
        [
            pa.field("quarantined_at", TS, nullable=False),
            pa.field("file_name", pa.string(), nullable=False),
            pa.field("moved_to", pa.string(), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            pa.field("line", pa.int32()),
            pa.field("records_kept", pa.int32(), nullable=False),
            pa.field("records_refused", pa.int32(), nullable=False),
        ]
    ),
    # minute aggregates, written only for simulated history (see backfill_range)
    "release_minute": pa.schema(
        [
            pa.field("minute", TS, nullable=False),
            pa.field("site_code", pa.string(), nullable=False),
            pa.field("platform_code", pa.string(), nullable=False),
            pa.field("trade_mode", pa.string(), nullable=False),
            pa.field("released_lists", pa.int64(), nullable=False),
            pa.field("valued_lists", pa.int64(), nullable=False),
            pa.field("goods_value_fen", pa.int64(), nullable=False),
        ]
    ),
    "release_category_minute": pa.schema(
        [
            pa.field("minute", TS, nullable=False),
            pa.field("category_code", pa.string(), nullable=False),
            pa.field("released_lists", pa.int64(), nullable=False),
            pa.field("goods_value_fen", pa.int64(), nullable=False),
        ]
    ),
    "receipt_minute": pa.schema(
        [
            pa.field("minute", TS, nullable=False),
            pa.field("site_code", pa.string(), nullable=False),
            pa.field("return_status", pa.int32(), nullable=False),
            pa.field("receipts", pa.int64(), nullable=False),
        ]
    ),
    "adjustment_minute": pa.schema(
        [
            pa.field("minute", TS, nullable=False),
            pa.field("site_code", pa.string(), nullable=False),
            pa.field("platform_code", pa.string(), nullable=False),
            pa.field("trade_mode", pa.string(), nullable=False),
            pa.field("cancelled_lists", pa.int64(), nullable=False),
            pa.field("cancelled_value_fen", pa.int64(), nullable=False),
            pa.field("returned_value", pa.decimal128(38, 10), nullable=False),
            pa.field("tax_assessed", pa.decimal128(38, 5), nullable=False),
            pa.field("tax_voided", pa.decimal128(38, 5), nullable=False),
        ]
    ),
    "occupancy": pa.schema(
        [
            pa.field("sampled_at", TS, nullable=False),
            pa.field("warehouse_code", pa.string(), nullable=False),
            pa.field("used_m2", pa.float64(), nullable=False),
            pa.field("occupancy_ratio", pa.float64(), nullable=False),
        ]
    ),
    "health": pa.schema(
        [
            pa.field("sampled_at", TS, nullable=False),
            pa.field("site_code", pa.string(), nullable=False),
            pa.field("component", pa.string(), nullable=False),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("metric", pa.string(), nullable=False),
            pa.field("value", pa.float64(), nullable=False),
        ]
    ),
    # one value of one site's measure (SITE_MEASURES); stored per minute
    "site_measure": pa.schema(
        [
            pa.field("sampled_at", TS, nullable=False),
            pa.field("site_code", pa.string(), nullable=False),
            pa.field("measure", pa.string(), nullable=False),
            pa.field("value", pa.float64(), nullable=False),
        ]
    ),
}


def measure_problem(measure: object, value: object) -> str | None:
    """Why a site measure's value cannot be stored (None when it can)."""
    if measure not in SITE_MEASURES:
        return f"{measure!r} is not a site measure (one of {', '.join(SITE_MEASURES)})"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value != value
        or value
        in (
            float("inf"),
            float("-inf"),
        )
    ):
        return f"{measure} = {value!r} is not a number"
    if value < 0 or (measure.endswith("_ratio") and value > 1):
        return f"{measure} = {value} is outside {'0..1' if measure.endswith('_ratio') else '0 and above'}"
    return None


class RecordError(ValueError):
    """A batch does not match its record schema; the message names the field."""


@dataclass(frozen=True)
class Batch:
    kind: Kind
    table: pa.Table
    source: str
    # for aggregate kinds: the time range [from, until) the aggregates cover
    span: tuple[datetime, datetime] | None = None

    def __len__(self) -> int:
        return self.table.num_rows


def _coded(col: pa.ChunkedArray, value_type: pa.DataType) -> bool:
    """A dictionary column of `value_type` without nulls among its values: kept
    so (a code repeated over millions of rows is stored once), and its nulls
    are the rows' own."""
    return (
        pa.types.is_dictionary(col.type)
        and col.type.value_type == value_type
        and all(c.dictionary.null_count == 0 for c in col.chunks)
    )


def _as_table(kind: Kind, data: pa.Table | dict | list[dict], schema: pa.Schema) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, list):
        try:  # records of the schema's own types: converted at once, several times faster than by field
            fields = [f.with_nullable(True) for f in schema if data and f.name in data[0]]
            return pa.Table.from_pylist(data, schema=pa.schema(fields))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            data = {k: [r[k] for r in data] for k in data[0]} if data else {}  # field by field, cast below
    try:
        return pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # not the library's message: it quotes the value, which may be personal data
        raise RecordError(f"{kind}: a field mixes values of different types") from None


def make_batch(
    kind: Kind, data: pa.Table | dict | list[dict], source: str, span: tuple[datetime, datetime] | None = None
) -> Batch:
    """Validates and casts `data` (a table, columns, or records as dicts) to the
    schema of `kind`; a column of strings may come dictionary-encoded, and stays so."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise RecordError(f"unknown record kind {kind!r}")
    table = _as_table(kind, data, schema)
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise RecordError(f"{kind}: missing field(s) {', '.join(missing)}")
    columns, fields = [], []
    for f in schema:
        col = table.column(f.name)
        if not _coded(col, f.type):
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                # not the library's message: it quotes the value, which may be personal data
                raise RecordError(f"{kind}.{f.name}: cannot be read as {f.type}") from None
        if not f.nullable and col.null_count:
            raise RecordError(f"{kind}.{f.name}: {col.null_count} record(s) have no value")
        columns.append(col)
        fields.append(f.with_type(col.type))
    table = pa.Table.from_arrays(columns, schema=pa.schema(fields))
    if kind == "occupancy" and table.num_rows:
        bad = pc.sum(pc.or_(pc.less(table["occupancy_ratio"], 0), pc.greater(table["occupancy_ratio"], 1.5))).as_py()
        if bad:
            raise RecordError(f"occupancy.occupancy_ratio: {bad} value(s) outside 0..1.5")
    if kind == "site_measure":
        for measure, value in zip(table["measure"].to_pylist(), table["value"].to_pylist()):
            problem = measure_problem(measure, value)
            if problem:
                raise RecordError(f"site_measure: {problem}")
    return Batch(kind, table, source, span)
