"""Chinese by default, English on request (sidebar switch or ?lang=en)."""

from __future__ import annotations

import streamlit as st

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("跨境电商网购保税进口指挥中心", "Cross-border e-commerce bonded import command center"),
    "live": ("实时", "Live"),
    "ops": ("运维", "Operations"),
    "overview": ("全市总览", "City overview"),
    "collectors": ("采集与数据源", "Collectors & sources"),
    "language": ("语言", "Language"),
    "wall": ("大屏", "Wall screen"),
    "city": ("全市", "City"),
    "wall_title": ("跨境电商网购保税进口指挥中心", "Bonded import command center"),
    "stale_banner": ("数据停滞", "STALE"),
    "connection_lost": ("与服务器的连接中断，正在重连…", "Connection to the server lost, reconnecting…"),
    "paused": ("轮播已暂停（P 键继续）", "Rotation paused (P to resume)"),
    "plan": ("计划", "Plan"),
    "decl_to_release": ("申报到放行用时", "Declaration to release"),
    "median": ("中位数", "median"),
    "p95": ("P95", "p95"),
    "last_15_min": ("最近15分钟放行", "releases in the last 15 min"),
    "manual_review": ("人工审核待处理", "Manual review waiting"),
    "oldest": ("最久", "oldest"),
    "target": ("目标", "target"),
    "goods_value_today_cny": ("今日放行货值", "Goods value released today (CNY)"),
    "checks": ("查验与扣留", "Inspections and holds"),
    "holds_open": ("查验/扣留中", "Inspected or held now"),
    "inspections_today": ("今日查验", "inspections today"),
    "holds_today": ("今日扣留", "holds today"),
    "rejects_today": ("今日退单", "rejects today"),
    "warehouse_occupancy": ("仓库库容占用", "Warehouse occupancy"),
    "link_equipment": ("链路与设备", "Link and equipment"),
    "attention": ("当前告警", "Active alerts"),
    "no_alerts": ("无告警", "No active alerts"),
    "equipment_up": ("在线", "up"),
    "equipment_down": ("离线", "down"),
    "equipment_stale": ("无数据", "no data"),
    "link": ("链路", "Link"),
    "queue": ("队列", "queue"),
    "dxp_latency": ("时延", "latency"),
    "site_table_site": ("现场", "Site"),
    "per_min_short": ("每分钟", "/min"),
    "focus_meishan": ("区外出区放行速度", "Release speed at the zone exit"),
    "focus_bsq": ("人工审核半个工作日办结", "Manual review within half a working day"),
    "focus_lishe": ("智能卡口 · X光机 · 视频监控", "Smart gates · X-ray · cameras"),
    "focus_hzw": ("自动化仓库", "Automated warehouse"),
    "alert_source_stale": ("数据源停滞", "source stale"),
    "alert_equipment_down": ("设备离线", "equipment down"),
    "alert_equipment_stale": ("设备无数据", "equipment silent"),
    "alert_occupancy": ("库容占用高", "warehouse nearly full"),
    "alert_link": ("链路占用高", "link utilisation high"),
    "alert_review_overdue": ("人工审核超时", "manual review overdue"),
    "no_data_yet": ("暂无数据", "no data yet"),
    "hours_short": ("小时", "h"),
    "minutes_short": ("分", "min"),
    "seconds_short": ("秒", "s"),
    "released_today": ("今日放行清单", "Lists released today"),
    "goods_value_today": ("今日放行货值", "Goods value released today"),
    "per_minute": ("每分钟放行", "Releases per minute"),
    "last_full_minute": ("最近一分钟", "last full minute"),
    "yoy_same_time": ("同比（同一时刻）", "Year on year (same time)"),
    "lists_unit": ("单", "lists"),
    "cumulative_today_vs_ly": ("今日累计放行 vs 去年同日", "Cumulative releases today vs same day last year"),
    "today": ("今日", "Today"),
    "last_year": ("去年同日", "Same day last year"),
    "time_of_day": ("时刻", "Time of day"),
    "cumulative_lists": ("累计放行（单）", "Cumulative releases"),
    "by_site": ("各业务现场", "By site"),
    "share": ("占比", "share"),
    "updated": ("更新于", "updated"),
    "stale": ("数据停滞", "STALE"),
    "stale_detail": ("以下数据源超过阈值未到新数据：", "No new data beyond the threshold from: "),
    "source_error": ("数据源异常", "Source error"),
    "no_runtime": (
        "采集运行时未启动：请用 README 中的命令启动本程序。",
        "The collector runtime is not running: start the app with the README's command.",
    ),
    "history_note": ("历史对比数据为模拟器生成的分钟汇总。", "History for comparison is simulated minute aggregates."),
    "without_declaration": ("放行但清单未到", "released, declaration not yet received"),
    "state": ("状态", "State"),
    "last_success": ("最近成功", "Last success"),
    "lag": ("数据延迟(秒)", "Lag (s)"),
    "records": ("记录数", "Records"),
    "last_error": ("最近错误", "Last error"),
    "recent_runs": ("最近运行记录", "Recent runs"),
    "fault_switches": ("模拟器故障开关", "Simulator fault switches"),
    "fault_help": ("用于演练：打开后模拟相应故障。", "For drills: each switch makes the simulator misbehave."),
    "source_stopped": ("数据源停止", "Source stopped"),
    "link_saturated": ("链路拥塞", "Link saturated"),
    "review_backlog": ("人工审核积压", "Manual review backlog"),
    "warehouse_full": ("仓库爆仓（站点或仓库代码）", "Warehouse full (site or warehouse code)"),
    "collector": ("采集器", "Collector"),
    "history_loading": (
        "正在载入历史对比数据，同比暂不显示：",
        "Loading history for comparison; year on year shown when done:",
    ),
    "quarantine": ("隔离的报文文件", "Quarantined message files"),
    "quarantine_none": ("没有被隔离的文件。", "No file has been set aside."),
    "quarantine_24h": ("近24小时按原因", "Last 24 hours by reason"),
    "quarantine_recent": ("最近隔离的文件（原因与行号）", "Latest files set aside (reason and line)"),
    "warehouses": ("仓库库容", "Warehouse occupancy"),
    "system_health": ("系统运行状态", "System health"),
    "no_occupancy": ("最近一小时没有库容数据。", "No occupancy data in the last hour."),
    "wan_m2": ("万平方米", "×10k m²"),
    "near_full": ("个仓接近满仓", "near full"),
    "fullest_first": ("各仓库（最满的在前）", "Warehouses, fullest first"),
    "warehouse": ("仓库", "Warehouse"),
    "site": ("现场", "Site"),
    "occupancy": ("库容占用", "Occupancy"),
    "used_m2": ("已用面积(㎡)", "Used m²"),
    "area_m2": ("面积(㎡)", "Area m²"),
    "sampled_at": ("采样时间", "Sampled"),
    "occupancy_trend": ("各现场库容趋势（12小时）", "Occupancy by site, last 12 hours"),
    "link_utilization": ("链路利用率（近1小时）", "Link utilisation, last hour"),
    "exchange": ("数据交换：队列与时延", "Data exchange: queue and latency"),
    "equipment": ("设备状态", "Equipment"),
    "freshness": ("各组件数据新鲜度", "Freshness of each component"),
    "queue_depth": ("队列深度", "Queue depth"),
    "latency": ("时延(秒)", "Latency (s)"),
    "kind": ("类型", "Kind"),
    "component": ("组件", "Component"),
    "total": ("总数", "Total"),
    "ok": ("正常", "OK"),
    "down": ("异常", "Down"),
    "last_seen": ("最近数据", "Last seen"),
    "age_seconds": ("距今(秒)", "Age (s)"),
    "per_minute_chart": ("近60分钟每分钟放行", "Releases per minute, last 60 minutes"),
}


def lang() -> str:
    if "lang" not in st.session_state:
        st.session_state.lang = "en" if st.query_params.get("lang") == "en" else "zh"
    return st.session_state.lang


def text(key: str, language: str) -> str:
    """The text in a given language, for code that runs outside a session."""
    zh, en = TEXT[key]
    return en if language == "en" else zh


def t(key: str) -> str:
    return text(key, lang())


def site_name(code: str, name_zh: str, name_en: str) -> str:
    return name_en if lang() == "en" else name_zh
