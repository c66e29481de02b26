//! Charts for the HTML pages, drawn as inline SVG by plotters: bars (side by side or
//! stacked) and lines over a few categories (periods, stages, deciles).
//!
//! Each chart is a string of SVG that goes straight into the page, so the file needs no
//! script or network to show it. Numbers on the axes are formatted by the caller (in the
//! page's locale and the figure's unit).

use plotters::prelude::*;

/// A series' colour.
pub type Rgb = RGBColor;

/// The colours of a chart's series, in order: distinguishable, and readable in grey.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x25, 0x63, 0xeb), // blue
    RGBColor(0xf5, 0x9e, 0x0b), // amber
    RGBColor(0x16, 0xa3, 0x4a), // green
    RGBColor(0x7c, 0x3a, 0xed), // violet
    RGBColor(0x08, 0x91, 0xb2), // cyan
    RGBColor(0xdb, 0x27, 0x77), // pink
];

/// Held, late, breached, open: the colours of outcomes, the same on every chart.
pub const GOOD: RGBColor = RGBColor(0x16, 0xa3, 0x4a);
/// Met, but late.
pub const LATE: RGBColor = RGBColor(0xf5, 0x9e, 0x0b);
/// Breached or missed.
pub const BAD: RGBColor = RGBColor(0xdc, 0x26, 0x26);
/// Still open.
pub const OPEN: RGBColor = RGBColor(0x94, 0xa3, 0xb8);

const WIDTH: u32 = 640;
const HEIGHT: u32 = 250;
const FONT: &str = "sans-serif";

/// One series: a name for the legend, a value per category (`None`: no value there).
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// One per category.
    pub values: Vec<Option<f64>>,
    /// Its colour.
    pub color: RGBColor,
}

/// How bars of several series share a category.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Bars {
    /// Side by side.
    Grouped,
    /// On top of each other (parts of a whole).
    Stacked,
}

/// A horizontal reference line (a target), drawn dashed.
pub struct Target {
    /// Its value on the y axis.
    pub value: f64,
    /// Its legend.
    pub name: String,
}

/// A bar chart of `series` over `categories`, with `y` formatting the axis and an optional
/// target line across.
pub fn bars(
    categories: &[String],
    series: &[Series],
    mode: Bars,
    target: Option<&Target>,
    y: &dyn Fn(f64) -> String,
) -> String {
    let top = match mode {
        Bars::Grouped => series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |a, b| a.max(*b)),
        Bars::Stacked => (0..categories.len())
            .map(|i| series.iter().filter_map(|s| s.values[i]).sum::<f64>())
            .fold(0.0f64, f64::max),
    }
    .max(target.map_or(0.0, |t| t.value));
    draw(categories, top, y, |chart| {
        let n = series.len().max(1) as f64;
        for (k, s) in series.iter().enumerate() {
            let style = s.color.filled();
            let rects = s.values.iter().enumerate().filter_map(|(i, v)| {
                let v = (*v)?;
                let centre = i as f64;
                let (x0, x1, y0) = match mode {
                    Bars::Grouped => {
                        let w = 0.8 / n;
                        let x0 = centre - 0.4 + k as f64 * w;
                        (x0, x0 + w * 0.92, 0.0)
                    }
                    Bars::Stacked => {
                        let below: f64 = series[..k].iter().filter_map(|s| s.values[i]).sum();
                        (centre - 0.3, centre + 0.3, below)
                    }
                };
                Some(Rectangle::new([(x0, y0), (x1, y0 + v)], style))
            });
            chart.draw_series(rects)?;
        }
        if let Some(t) = target {
            target_line(chart, categories.len(), t)?;
        }
        Ok(())
    })
}

/// A line chart of `series` over `categories`, with an optional target line.
pub fn lines(
    categories: &[String],
    series: &[Series],
    target: Option<&Target>,
    y: &dyn Fn(f64) -> String,
) -> String {
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .chain(target.map(|t| &t.value))
        .fold(0.0f64, |a, b| a.max(*b));
    draw(categories, top, y, |chart| {
        if let Some(t) = target {
            target_line(chart, categories.len(), t)?;
        }
        for s in series {
            let style = s.color.stroke_width(2);
            let fill = s.color.filled();
            // A gap where a period has no value, rather than a line across it.
            for run in runs(&s.values) {
                chart.draw_series(LineSeries::new(run.iter().copied(), style))?;
            }
            chart.draw_series(
                s.values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| Circle::new((i as f64, v), 3, fill))),
            )?;
        }
        Ok(())
    })
}

/// The legend of a chart, as HTML under its caption (it never covers the data): a swatch
/// and a name per series, and the target's dashed line.
pub fn legend(series: &[Series], target: Option<&Target>) -> String {
    let mut out = String::from("<div class=\"legend\">");
    for s in series {
        let RGBColor(r, g, b) = s.color;
        out += &format!(
            "<span><i style=\"background:#{r:02x}{g:02x}{b:02x}\"></i>{}</span>",
            super::page::esc(&s.name)
        );
    }
    if let Some(t) = target {
        out += &format!(
            "<span><i class=\"target\"></i>{}</span>",
            super::page::esc(&t.name)
        );
    }
    out + "</div>"
}

/// A dashed line across the chart at the target's value.
fn target_line(chart: &mut Chart, categories: usize, t: &Target) -> DrawResult {
    let last = categories as f64 - 0.5;
    chart.draw_series(DashedLineSeries::new(
        [(-0.5, t.value), (last, t.value)],
        6,
        4,
        BAD.stroke_width(2),
    ))?;
    Ok(())
}

/// The consecutive stretches of values that have one.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => out.last_mut().expect("one run").push((i as f64, *v)),
            None if out.last().is_some_and(|r| !r.is_empty()) => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// The axes, the categories under them and the legend around what `body` draws; an SVG
/// string, or a note in place of the chart when plotters fails (it never should).
fn draw(
    categories: &[String],
    top: f64,
    y: &dyn Fn(f64) -> String,
    body: impl FnOnce(&mut Chart) -> DrawResult,
) -> String {
    let mut svg = String::new();
    let result: DrawResult = (|| {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // Headroom above the tallest value.
        let top = if top > 0.0 { top * 1.08 } else { 1.0 };
        let n = categories.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top)?;
        let x_label = |x: &f64| -> String {
            // Labels only at whole positions: the categories' centres.
            let i = x.round();
            if (x - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            categories.get(i as usize).cloned().unwrap_or_default()
        };
        let y_label = |v: &f64| y(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.min(12))
            .x_label_formatter(&x_label)
            .y_labels(5)
            .y_label_formatter(&y_label)
            .label_style((FONT, 13))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(0xe2, 0xe8, 0xf0))
            .axis_style(RGBColor(0x94, 0xa3, 0xb8))
            .draw()?;
        body(&mut chart)?;
        root.present()?;
        Ok(())
    })();
    match result {
        Ok(()) => svg,
        Err(e) => format!("<p class=\"note\">The chart could not be drawn: {e}</p>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<String> {
        ["Jan", "Feb", "Mar"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn bars_draw_one_rectangle_per_value_in_its_colour() {
        let s = Series {
            name: "mql".into(),
            values: vec![Some(3.0), None, Some(5.0)],
            color: PALETTE[0],
        };
        let svg = bars(&categories(), &[s], Bars::Grouped, None, &|v| {
            format!("{v:.0}")
        });
        assert!(svg.starts_with("<svg"), "{svg}");
        assert_eq!(svg.matches("fill=\"#2563EB\"").count(), 2, "{svg}");
        for c in categories() {
            // plotters writes a label on a line of its own inside `<text>`.
            assert!(svg.contains(&format!(">\n{c}\n</text>")), "{c}: {svg}");
        }
    }

    #[test]
    fn lines_leave_a_gap_where_a_period_has_no_value_and_draw_the_target() {
        assert_eq!(
            runs(&[Some(1.0), None, Some(2.0), Some(3.0)]),
            vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]
        );
        let s = Series {
            name: "win rate".into(),
            values: vec![Some(0.1), Some(0.2), None],
            color: PALETTE[0],
        };
        let target = Target {
            value: 0.15,
            name: "target".into(),
        };
        let svg = lines(&categories(), &[s], Some(&target), &|v| format!("{v}"));
        assert!(svg.contains("#DC2626"), "the target line is drawn: {svg}");
        assert!(
            svg.contains("fill=\"#2563EB\""),
            "the points are drawn: {svg}"
        );
    }
}
