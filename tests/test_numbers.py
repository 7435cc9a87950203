import pytest

from core.numbers import count_en, count_zh, percent_change, signed_percent, yuan_zh


@pytest.mark.parametrize(
    "n, text",
    [
        (6_311_000, "631.1万"),
        (84_780_000, "8478.0万"),
        (100_000_000, "1.00亿"),
        (99_994_999, "9999.5万"),
        (99_995_000, "9999.5万"),
        (99_999_500, "1.00亿"),
        (10_000, "1.0万"),
        (9_999, "9999"),
        (12_345, "1.2万"),
        (12_350, "1.2万"),
        (12_351, "1.2万"),
        (15_000, "1.5万"),
        (15_050, "1.5万"),
        (15_051, "1.5万"),
        (14_950, "1.5万"),
        (0, "0"),
    ],
)
def test_counts_read_the_chinese_way(n, text):
    assert count_zh(n) == text


@pytest.mark.parametrize(
    "fen, text",
    [
        (133_400_000_000, "13.34亿元"),
        (133_449_999_999, "13.34亿元"),
        (133_450_000_000, "13.35亿元"),
        (58_213_000_00, "5821.3万元"),
        (860_000, "8,600元"),
        (9_999_500_000, "9999.5万元"),
        (9_999_950_000, "1.00亿元"),
    ],
)
def test_goods_value_reads_the_chinese_way(fen, text):
    assert yuan_zh(fen) == text


def test_english_and_changes():
    assert count_en(6_311_000) == "6.31 M"
    assert signed_percent(percent_change(186.9, 100)) == "+86.9%"
    assert signed_percent(percent_change(90, 100)) == "-10.0%"
    assert percent_change(5, 0) is None and signed_percent(None) == "—"
