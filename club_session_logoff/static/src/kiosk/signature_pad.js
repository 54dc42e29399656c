import { Component, onMounted, useExternalListener, useRef, useState } from "@odoo/owl";

// The server refuses signatures over 2000 x 1000 pixels.
const MAX_WIDTH = 1600;
const MAX_HEIGHT = 800;

/**
 * A pad to sign on with a finger or a stylus. The canvas stays transparent
 * where nothing is drawn, so the server can tell a blank pad from a signature.
 */
export class KioskSignaturePad extends Component {
    static template = "club_session_logoff.KioskSignaturePad";
    static props = { onChange: Function };

    setup() {
        this.canvasRef = useRef("canvas");
        this.state = useState({ hasInk: false });
        this.drawing = false;
        onMounted(() => this.resize());
        useExternalListener(window, "resize", () => this.clear());
    }

    get context() {
        return this.canvasRef.el.getContext("2d");
    }

    resize() {
        const canvas = this.canvasRef.el;
        const rect = canvas.getBoundingClientRect();
        const ratio = Math.min(
            window.devicePixelRatio || 1,
            MAX_WIDTH / Math.max(rect.width, 1),
            MAX_HEIGHT / Math.max(rect.height, 1)
        );
        this.ratio = ratio;
        canvas.width = Math.round(rect.width * ratio);
        canvas.height = Math.round(rect.height * ratio);
        const context = this.context;
        context.lineWidth = 4 * ratio;
        context.lineCap = "round";
        context.lineJoin = "round";
        context.strokeStyle = "#111827";
    }

    point(ev) {
        const rect = this.canvasRef.el.getBoundingClientRect();
        return [(ev.clientX - rect.left) * this.ratio, (ev.clientY - rect.top) * this.ratio];
    }

    onPointerDown(ev) {
        ev.preventDefault();
        try {
            // Keep drawing when the finger slides off the pad.
            this.canvasRef.el.setPointerCapture(ev.pointerId);
        } catch {
            // Not a live pointer (e.g. a synthetic event): draw all the same.
        }
        this.drawing = true;
        const [x, y] = this.point(ev);
        const context = this.context;
        context.beginPath();
        context.moveTo(x, y);
        // A dot, so that a tap leaves a mark too.
        context.lineTo(x + 0.1, y + 0.1);
        context.stroke();
    }

    onPointerMove(ev) {
        if (!this.drawing) {
            return;
        }
        const [x, y] = this.point(ev);
        this.context.lineTo(x, y);
        this.context.stroke();
    }

    onPointerUp() {
        if (!this.drawing) {
            return;
        }
        this.drawing = false;
        this.state.hasInk = true;
        this.props.onChange(this.canvasRef.el.toDataURL("image/png"));
    }

    clear() {
        const canvas = this.canvasRef.el;
        if (!canvas) {
            return;
        }
        this.resize();
        this.context.clearRect(0, 0, canvas.width, canvas.height);
        this.state.hasInk = false;
        this.props.onChange(false);
    }
}
